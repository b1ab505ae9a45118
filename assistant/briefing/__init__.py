"""Market briefings: facts from the tools (``facts``), the headline (``headline``), section
templates (``text``, ``watch``), quoted commentary (``commentary``), provenance and grounding
lines (``provenance``), the document model (``doc``), LLM narration (``narrate``), output formats
and the archive (``render``), watchlists, and the pipeline that ties them together
(``pipeline.generate``)."""
