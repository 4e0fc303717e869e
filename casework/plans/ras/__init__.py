"""Resource allocation (RAS): the questionnaire, its points-to-pounds table, the indicative budget and the
personal budget's figures and approval route, as pure Python (no Django)."""
