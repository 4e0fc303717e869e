from django.db import models


class NeedCategory(models.TextChoices):
    """Broad groups of need, so that the initiative can count needs across partners."""

    DAILY_LIVING = "daily_living", "Daily living and personal care"
    FOOD_AND_SHOPPING = "food_and_shopping", "Food and shopping"
    MONEY = "money", "Money and debt"
    HOUSING = "housing", "Housing and home"
    HEALTH = "health", "Health and wellbeing"
    CONNECTION = "connection", "Loneliness and social connection"
    CARERS = "carers", "Carers"
    SAFETY = "safety", "Safety"
    OTHER = "other", "Other"
