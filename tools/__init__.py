"""Pure market data and analysis: assets, price sources, cache and the analyses.

Nothing here imports LangChain, Streamlit, chromadb or ``knowledge``; yfinance is imported
only inside :func:`tools.yahoo.download`.
"""
