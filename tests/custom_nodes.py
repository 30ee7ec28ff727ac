"""Expression nodes a scheme could define itself, for the tests of the interpreter path."""

from __future__ import annotations

from typing import Any

import attrs

from grantrules.expressions import Expr


@attrs.frozen(eq=False)
class Twice(Expr):
    """A scheme's own node kind: the compiler has no source form for it."""

    operand: Expr

    def children(self) -> tuple[Expr, ...]:
        return (self.operand,)

    def compile(self) -> Any:
        inner = self.operand.compile()
        return lambda env, item: inner(env, item) + inner(env, item)
