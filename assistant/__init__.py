"""The assistant: settings, models, tool adapters, agent, grounding, briefings, charts, CLI."""
