"""The data of a dashboard's charts (drawn by static/dashboard/dashboard.js with ECharts)."""

from shuanglian.dashboard.figures import Figures, labels
from shuanglian.projects.models import ProjectStatus


def holder_charts(figures: Figures) -> dict:
    years = figures.income_years()
    latest = years[-1] if years else None
    return {
        "labels": labels(),
        "project_statuses": {value: str(label) for value, label in ProjectStatus.choices},
        "categories": [
            {"name": str(label), "value": n} for _value, label, n in figures.by_category() if n
        ],
        "paired_categories": [
            {"name": str(label), "value": n}
            for _value, label, n in figures.by_category("paired_households")
            if n
        ],
        "visits_by_month": [[month, n] for month, n in figures.visits_by_month()],
        "income_year": latest,
        "income_bands": [[label, n] for label, n in figures.income_bands(latest)] if latest else [],
        "income_trend": [[str(year), float(value)] for year, value in figures.income_trend()],
        "projects": [
            {"name": str(row["label"]), "counts": row["counts"], "invested": float(row["invested"])}
            for row in figures.projects()
        ],
        "funds": [
            {"name": str(label), "value": float(amount)} for _v, label, amount in figures.funds()
        ],
    }


def region_charts(figures: Figures, children: list[dict]) -> dict:
    return {
        **holder_charts(figures),
        "children": [
            {
                "code": child["code"],
                "name": child["name"],
                "url": child["url"],
                "households": child["households"],
                "poor": child["poor"],
                "poor_covered": child["poor_covered"],
            }
            for child in children
        ],
    }
