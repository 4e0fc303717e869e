"""Made-up demonstration data: `python manage.py seed_demo`. Never available in production mode."""
