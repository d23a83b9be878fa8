"""The demo data generator behind `manage.py seed_demo` (DESIGN.md section 8).

- `names`: fictional names, towns, streets and GP practices
- `organisations`: councils, trust, ICB, teams, staff and demo logins
- `people`: the person index and contacts, generated in bulk
- `access`: team cases, allocations and the permission rows behind them
- `seed`: runs the steps in one transaction
"""
