"""Regular expressions over digit strings as one deterministic automaton, run on whole columns.

Phone metadata (``phonenumbers``' national number patterns) are regular expressions over the
digits ``0``-``9``. :class:`DigitAutomaton` compiles several of them ("tags") into one product
automaton, built lazily: a state is the set of positions of every tag's NFA, and a transition is
computed in Python the first time a column needs it, then kept in a numpy table (16 entries
per state, indexed by the low four bits of the digit's ASCII byte, so bytes need no decoding). Running it over
a column is one table lookup per digit position for all rows at once; at the end each row's state
says which tags matched the digits read (:meth:`DigitAutomaton.accepted`).

Only the constructs metadata patterns use are modelled (literals, classes and ranges of digits,
``\\d``, alternation, groups, bounded and unbounded repeats); anything else raises
:class:`NotModelled` and the caller keeps its slower path. No dependency on the rest of the
package (plain ``re`` parsing and numpy).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np

ALL_DIGITS = (1 << 10) - 1


class NotModelled(Exception):
    """A regex construct the automaton does not model."""


@dataclass(frozen=True)
class Tag:
    """One pattern to track: ``prefix`` (True: ``re.match``, a match of a leading part is enough;
    False: ``re.fullmatch``) and ``after``, digits the pattern reads before the column's digits
    (``"0"``: does the pattern match ``"0" + digits``?)."""

    pattern: str
    prefix: bool = False
    after: str = ""


class _Nfa:
    """Thompson NFA over the digits: epsilon edges and edges labelled with a 10-bit digit mask."""

    def __init__(self) -> None:
        self.eps: list[list[int]] = []
        self.edges: list[list[tuple[int, int]]] = []

    def node(self) -> int:
        self.eps.append([])
        self.edges.append([])
        return len(self.eps) - 1

    def compile(self, pattern: str) -> tuple[int, int]:
        from re import _parser as sre_parse  # Python 3.11+

        try:
            parsed = sre_parse.parse(pattern)
        except Exception as err:  # a pattern Python cannot parse: not modelled
            raise NotModelled(str(err)) from None
        if parsed.state.flags & ~(re.UNICODE | re.ASCII):  # inline global flags ((?i), (?x)...)
            raise NotModelled("flags")
        return self._seq(list(parsed))

    def _seq(self, items: list[Any]) -> tuple[int, int]:
        start = end = self.node()
        for op, av in items:
            s, e = self._one(op, av)
            self.eps[end].append(s)
            end = e
        return start, end

    def _one(self, op: Any, av: Any) -> tuple[int, int]:
        from re import _constants as c  # Python 3.11+

        if op in (c.LITERAL, c.NOT_LITERAL, c.IN, c.ANY):
            s, e = self.node(), self.node()
            self.edges[s].append((_mask(op, av), e))
            return s, e
        if op is c.BRANCH:
            s, e = self.node(), self.node()
            for branch in av[1]:
                bs, be = self._seq(list(branch))
                self.eps[s].append(bs)
                self.eps[be].append(e)
            return s, e
        if op is c.SUBPATTERN:
            if av[1] or av[2]:  # inline flags
                raise NotModelled("flags")
            return self._seq(list(av[-1]))
        if op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", c.MAX_REPEAT)):
            low, high, body = av
            s = e = self.node()
            for _ in range(low):
                bs, be = self._seq(list(body))
                self.eps[e].append(bs)
                e = be
            if high is c.MAXREPEAT:
                bs, be = self._seq(list(body))
                self.eps[e].append(bs)
                self.eps[be].append(e)  # loop back; e (before the body) is the way out
                return s, e
            if high - low > 64:
                raise NotModelled("long repeat")
            out = self.node()
            self.eps[e].append(out)
            for _ in range(high - low):
                bs, be = self._seq(list(body))
                self.eps[e].append(bs)
                self.eps[be].append(out)
                e = be
            return s, out
        raise NotModelled(str(op))


def _mask(op: Any, av: Any) -> int:
    from re import _constants as c  # Python 3.11+

    def digit_bit(code: int) -> int:
        return 1 << (code - 48) if 48 <= code <= 57 else 0

    if op is c.ANY:
        return ALL_DIGITS
    if op is c.LITERAL:
        return digit_bit(av)
    if op is c.NOT_LITERAL:
        return ALL_DIGITS & ~digit_bit(av)
    mask, negate = 0, False
    for iop, iav in av:
        if iop is c.NEGATE:
            negate = True
        elif iop is c.LITERAL:
            mask |= digit_bit(iav)
        elif iop is c.RANGE:
            for code in range(max(iav[0], 48), min(iav[1], 57) + 1):
                mask |= digit_bit(code)
        elif iop is c.CATEGORY and iav is c.CATEGORY_DIGIT:
            mask |= ALL_DIGITS
        elif iop is c.CATEGORY and iav is c.CATEGORY_NOT_DIGIT:
            pass
        else:
            raise NotModelled(str(iop))
    return ALL_DIGITS & ~mask if negate else mask


class DigitAutomaton:
    """The product automaton of ``tags``; state 0 is the start (no digit read)."""

    def __init__(self, tags: list[Tag] | tuple[Tag, ...]) -> None:
        nfa = _Nfa()
        self.tags = tuple(tags)
        accepts: list[int] = []
        starts: list[frozenset[int]] = []
        for tag in self.tags:
            s, e = nfa.compile(tag.pattern)
            if tag.prefix:  # once matched, any further digits keep the match
                nfa.edges[e].append((ALL_DIGITS, e))
            accepts.append(e)
            starts.append(frozenset({s}))
        self._nfa = nfa
        self._closure: dict[int, frozenset[int]] = {}
        self._node_step: dict[tuple[int, int], frozenset[int]] = {}
        self._accept_bit = {node: 1 << i for i, node in enumerate(accepts)}
        first: set[int] = set()
        for tag, start in zip(self.tags, starts, strict=True):
            nodes = self._close(start)
            for ch in tag.after:
                nodes = self._step_nodes(nodes, ord(ch) - 48)
            first |= nodes
        self._states: list[frozenset[int]] = []
        self._index: dict[frozenset[int], int] = {}
        self._accepted: list[int] = []
        self._table = np.full(0, -1, dtype=np.int32)
        self._state_of(frozenset(first))

    # --- construction (Python, once per new state and digit) ---------------------------------
    def _close(self, nodes: frozenset[int] | set[int]) -> frozenset[int]:
        out: set[int] = set()
        for n in nodes:
            c = self._closure.get(n)
            if c is None:
                seen, todo = {n}, [n]
                while todo:
                    for m in self._nfa.eps[todo.pop()]:
                        if m not in seen:
                            seen.add(m)
                            todo.append(m)
                c = self._closure[n] = frozenset(seen)
            out |= c
        return frozenset(out)

    def _step_nodes(self, nodes: frozenset[int], digit: int) -> frozenset[int]:
        out: set[int] = set()
        bit = 1 << digit
        for n in nodes:
            key = (n, digit)
            nxt = self._node_step.get(key)
            if nxt is None:
                nxt = self._node_step[key] = self._close({t for m, t in self._nfa.edges[n] if m & bit})
            out |= nxt
        return frozenset(out)

    def _state_of(self, nodes: frozenset[int]) -> int:
        i = self._index.get(nodes)
        if i is None:
            i = self._index[nodes] = len(self._states)
            self._states.append(nodes)
            acc = 0
            for n in nodes:
                acc |= self._accept_bit.get(n, 0)
            self._accepted.append(acc)
            if len(self._table) < 16 * len(self._states):
                grown = np.full(max(32 * len(self._states), 1024), -1, dtype=np.int32)
                grown[: len(self._table)] = self._table
                self._table = grown
        return i

    def _fill(self, pairs: np.ndarray) -> None:
        for pair in np.unique(pairs).tolist():
            state, digit = divmod(pair, 16)
            if digit >= 10:  # not a digit: a row already read to its end stays where it is
                self._table[pair] = state
                continue
            nxt = self._state_of(self._step_nodes(self._states[state], digit))
            self._table[pair] = nxt

    # --- running over columns ----------------------------------------------------------------
    def step(self, state: np.ndarray, digit: np.ndarray) -> np.ndarray:
        """Next state of every row (int32 ``state``; ``digit`` 0-9 per row, or the ASCII byte
        of the digit: only its low four bits are read). Low bits 10-15 (the byte ``:``, for
        instance) leave the state as it is: rows already read to their end pass one."""
        pair = state << 4
        pair |= digit & 15
        nxt = self._table[pair]
        if len(nxt) and nxt.min() < 0:  # transitions not built yet
            self._fill(pair[nxt < 0])
            nxt = self._table[pair]
        return nxt

    def accepted(self, state: np.ndarray) -> np.ndarray:
        """Per state: a bit mask of the tags matched (bit ``i`` for ``tags[i]``), as int64."""
        return np.asarray(self._accepted, dtype=np.int64)[state]

    @property
    def size(self) -> int:
        """States built so far."""
        return len(self._states)
