"""The Hauts-de-France AMI IA scheme for grantrules (filled by the scheme issue)."""
