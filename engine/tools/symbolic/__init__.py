"""Symbolic semantics of the clause language on z3, and the exact diff of two editions.

- `values`: symbolic values and the symbolic case of a case schema (lists bounded to K);
- `dates`: dates as day numbers, month arithmetic and month/quarter boundaries, exact;
- `workdays`: Kazakhstan's working-day calendar as a finite table the solver consults;
- `expressions`: every expression of the language as z3 terms;
- `decision`: a decision's statements and outcome resolution;
- `problem`: one decision under one or two editions, and solving with small witnesses;
- `exact`: the exact diff of two editions per decision, each change with a witness case the
  compiled engine confirms.

The solver never has the last word: every witness is decided by the engine under both
editions, and a disagreement is reported as a bug of the encoding, not as an answer.
"""
