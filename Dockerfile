# The Market Assistant app (Streamlit), one replica per container. compose.yaml runs two behind
# a reverse proxy, with PostgreSQL and Chroma; see docs/deploy.md.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    MARKET_ASSISTANT_HOME=/data
WORKDIR /app

# Dependencies first (a layer that changes only with pyproject.toml), then the code.
COPY pyproject.toml README.md ./
COPY tools tools
COPY knowledge knowledge
COPY assistant assistant
RUN pip install . && useradd --system --create-home --uid 10001 market \
    && mkdir -p /data && chown market /data
COPY ui ui
COPY .streamlit .streamlit
COPY streamlit_app.py ./

USER market
EXPOSE 8501
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4)"
CMD ["streamlit", "run", "streamlit_app.py", "--server.address", "0.0.0.0", "--server.port", "8501", \
     "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"]
