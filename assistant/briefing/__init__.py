"""Market briefings: facts from the tools (``facts``), templates (``text``), the document model
(``doc``), LLM narration (``narrate``), output formats and the archive (``render``), watchlists, and
the pipeline that ties them together (``pipeline.generate``)."""
