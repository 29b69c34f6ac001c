"""The review web app (FastAPI, server-rendered Jinja2 pages, a little plain JavaScript).

Imported only by ``assay review serve`` and the tests: FastAPI, uvicorn and argon2 are the
``review`` extra, and ``assay --help`` never loads them."""
