"""Reading the published warehouse from query engines.

- ``ddl.py``: DuckDB views, BigQuery and Snowflake external tables over the hive
  partitions, generated from the column registry (``python -m infra.warehouse.ddl``
  rewrites the three ``*.sql`` files beside it).
- ``duckdb_views.py``: ``create_views(con, root)`` for a local folder or ``s3://``.
- ``readers.py``: ``scan(root, table)`` for polars, with the pipeline's S3 settings.
"""
