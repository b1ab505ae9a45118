"""The offline analyst's question tables: questions as people type them, with expectations
computed independently from the CSVs in ../shared/market-data."""
