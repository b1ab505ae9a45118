"""The offline analyst: a deterministic chat model that reads questions, plans tool calls and
writes answers from templates (``analyst``, ``reading``, ``answers``)."""
