from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from shuanglian.core.models import IdNumberFields, PhoneFields, TimeStamped


class Category(models.TextChoices):
    GENERAL = "general", _("general household")
    POOR = "poor", _("poor household")
    DEMONSTRATION = "demonstration", _("demonstration household")
    EXITED = "exited", _("exited household")
    MONITORED = "monitored", _("monitored household")


class PovertyCause(models.TextChoices):
    ILLNESS = "illness", _("illness")
    DISABILITY = "disability", _("disability")
    SCHOOLING = "schooling", _("schooling costs")
    DISASTER = "disaster", _("disaster")
    LAND = "land", _("lack of land")
    WATER = "water", _("lack of water")
    SKILLS = "skills", _("lack of skills")
    LABOUR = "labour", _("lack of labour")
    CAPITAL = "capital", _("lack of capital")
    TRANSPORT = "transport", _("poor transport")
    MOTIVATION = "motivation", _("lack of motivation")
    OTHER = "other", _("other")


class Household(TimeStamped, PhoneFields):
    """A household (户) in a village; its head is the active member with relation 'head'."""

    number = models.CharField(_("household number"), max_length=32, unique=True)
    village = models.ForeignKey(
        "regions.Region", verbose_name=_("village"), on_delete=models.PROTECT, related_name="+"
    )
    # Kept in step with the head member by the services, so that lists need no join.
    head_name = models.CharField(_("head of household"), max_length=50)
    address = models.CharField(_("address"), max_length=200, blank=True)
    category = models.CharField(
        _("category"), max_length=20, choices=Category.choices, default=Category.GENERAL
    )
    poverty_cause_main = models.CharField(
        _("main poverty cause"), max_length=20, choices=PovertyCause.choices, blank=True
    )
    poverty_cause_secondary = models.CharField(
        _("secondary poverty cause"), max_length=20, choices=PovertyCause.choices, blank=True
    )
    member_count = models.PositiveSmallIntegerField(_("members"), default=0)

    class Meta:
        ordering = ["id"]
        verbose_name = _("household")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(category__in=Category.values), name="household_category_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["village", "id"], name="household_village_idx"),
            models.Index(fields=["category", "village", "id"], name="household_category_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.head_name}"


class HouseholdSearchKey(models.Model):
    """Words a household is found by: head name, its pinyin and initials, the number.

    A separate table keeps search index-backed (prefix ranges on `key`) at national scale.
    """

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="search_keys")
    key = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "household"], name="household_search_key_unique")
        ]

    def __str__(self) -> str:
        return self.key


class Relation(models.TextChoices):
    HEAD = "head", _("head of household")
    SPOUSE = "spouse", _("spouse")
    SON = "son", _("son")
    DAUGHTER = "daughter", _("daughter")
    DAUGHTER_IN_LAW = "daughter_in_law", _("daughter-in-law")
    SON_IN_LAW = "son_in_law", _("son-in-law")
    GRANDSON = "grandson", _("grandson")
    GRANDDAUGHTER = "granddaughter", _("granddaughter")
    FATHER = "father", _("father")
    MOTHER = "mother", _("mother")
    GRANDPARENT = "grandparent", _("grandparent")
    SIBLING = "sibling", _("brother or sister")
    OTHER = "other", _("other relative")


class Sex(models.TextChoices):
    MALE = "male", _("male")
    FEMALE = "female", _("female")


class Education(models.TextChoices):
    PRESCHOOL = "preschool", _("pre-school child")
    ILLITERATE = "illiterate", _("illiterate or semi-literate")
    PRIMARY = "primary", _("primary school")
    JUNIOR = "junior", _("junior secondary")
    SENIOR = "senior", _("senior secondary")
    VOCATIONAL = "vocational", _("secondary vocational")
    COLLEGE = "college", _("college or above")


class SchoolStatus(models.TextChoices):
    NOT_IN_SCHOOL = "not_in_school", _("not in school")
    PRESCHOOL = "preschool", _("pre-school education")
    PRIMARY = "primary", _("primary school pupil")
    JUNIOR = "junior", _("junior secondary pupil")
    SENIOR = "senior", _("senior secondary pupil")
    VOCATIONAL = "vocational", _("vocational student")
    HIGHER = "higher", _("university or college student")


class Health(models.TextChoices):
    HEALTHY = "healthy", _("healthy")
    CHRONIC = "chronic", _("long-term chronic illness")
    SERIOUS = "serious", _("serious illness")
    DISABLED = "disabled", _("disabled")


class Labour(models.TextChoices):
    ORDINARY = "ordinary", _("ordinary labour")
    SKILLED = "skilled", _("skilled labour")
    LOST = "lost", _("lost capacity to work")
    NONE = "none", _("no labour capacity")


class WorkStatus(models.TextChoices):
    NOT_WORKING = "not_working", _("not working away")
    TOWNSHIP = "township", _("working in the township")
    COUNTY = "county", _("working in the county")
    PROVINCE = "province", _("working in the province, outside the county")
    OUTSIDE = "outside", _("working outside the province")
    STUDENT = "student", _("student")
    OTHER = "other", _("other")


class MemberEndReason(models.TextChoices):
    DECEASED = "deceased", _("deceased")
    MOVED_OUT = "moved_out", _("moved out")
    SPLIT = "split", _("split into a new household")
    MARRIED_OUT = "married_out", _("married out")
    OTHER = "other", _("other")


# The 56 recognised ethnic groups (民族), as written on ID cards and registers.
ETHNIC_GROUPS = [
    "汉族",
    "蒙古族",
    "回族",
    "藏族",
    "维吾尔族",
    "苗族",
    "彝族",
    "壮族",
    "布依族",
    "朝鲜族",
    "满族",
    "侗族",
    "瑶族",
    "白族",
    "土家族",
    "哈尼族",
    "哈萨克族",
    "傣族",
    "黎族",
    "傈僳族",
    "佤族",
    "畲族",
    "高山族",
    "拉祜族",
    "水族",
    "东乡族",
    "纳西族",
    "景颇族",
    "柯尔克孜族",
    "土族",
    "达斡尔族",
    "仫佬族",
    "羌族",
    "布朗族",
    "撒拉族",
    "毛南族",
    "仡佬族",
    "锡伯族",
    "阿昌族",
    "普米族",
    "塔吉克族",
    "怒族",
    "乌孜别克族",
    "俄罗斯族",
    "鄂温克族",
    "德昂族",
    "保安族",
    "裕固族",
    "京族",
    "塔塔尔族",
    "独龙族",
    "鄂伦春族",
    "赫哲族",
    "门巴族",
    "珞巴族",
    "基诺族",
]


class Member(TimeStamped, IdNumberFields):
    """A member of a household (家庭成员). Members leave (is_active=False); rows stay."""

    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.PROTECT, related_name="members"
    )
    name = models.CharField(_("name"), max_length=50)
    relation = models.CharField(_("relation to head"), max_length=20, choices=Relation.choices)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices)
    birth_date = models.DateField(_("birth date"))
    ethnicity = models.CharField(_("ethnicity"), max_length=10, default="汉族")
    education = models.CharField(
        _("education"), max_length=20, choices=Education.choices, blank=True
    )
    school_status = models.CharField(
        _("school status"), max_length=20, choices=SchoolStatus.choices, blank=True
    )
    health = models.CharField(
        _("health"), max_length=20, choices=Health.choices, default=Health.HEALTHY
    )
    labour = models.CharField(
        _("labour capacity"), max_length=20, choices=Labour.choices, blank=True
    )
    work_status = models.CharField(
        _("work status"), max_length=20, choices=WorkStatus.choices, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)
    ended_on = models.DateField(_("left on"), null=True, blank=True)
    end_reason = models.CharField(
        _("reason for leaving"), max_length=20, choices=MemberEndReason.choices, blank=True
    )

    class Meta:
        ordering = ["household_id", "id"]
        verbose_name = _("member")
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_index"],
                condition=models.Q(is_active=True),
                name="member_active_id_unique",
            ),
            models.UniqueConstraint(
                fields=["household"],
                condition=models.Q(is_active=True, relation="head"),
                name="member_one_active_head",
            ),
            models.CheckConstraint(
                condition=models.Q(is_active=True) | models.Q(ended_on__isnull=False),
                name="member_inactive_has_end_date",
            ),
        ]
        indexes = [models.Index(fields=["id_number_index"], name="member_id_index_idx")]

    def __str__(self) -> str:
        return self.name


class IncomeRecord(TimeStamped):
    """A household's income for one year (元); 人均纯收入 is derived by `compute_net_per_capita`."""

    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.PROTECT, related_name="incomes"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    wage_income = models.DecimalField(_("wage income"), max_digits=12, decimal_places=2, default=0)
    business_income = models.DecimalField(
        _("business income"), max_digits=12, decimal_places=2, default=0
    )
    property_income = models.DecimalField(
        _("property income"), max_digits=12, decimal_places=2, default=0
    )
    transfer_income = models.DecimalField(
        _("transfer income"), max_digits=12, decimal_places=2, default=0
    )
    production_cost = models.DecimalField(
        _("production costs"), max_digits=12, decimal_places=2, default=0
    )
    population = models.PositiveSmallIntegerField(_("people counted"))
    net_per_capita = models.DecimalField(
        _("net income per person"), max_digits=12, decimal_places=2, editable=False
    )

    class Meta:
        ordering = ["household_id", "-year"]
        verbose_name = _("income record")
        constraints = [
            models.UniqueConstraint(
                fields=["household", "year"], name="income_household_year_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(population__gte=1), name="income_population_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(year__gte=2000, year__lte=2100), name="income_year_plausible"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.year}"

    @property
    def gross(self) -> Decimal:
        return self.wage_income + self.business_income + self.property_income + self.transfer_income


def compute_net_per_capita(
    *,
    wage_income: Decimal,
    business_income: Decimal,
    property_income: Decimal,
    transfer_income: Decimal,
    production_cost: Decimal,
    population: int,
) -> Decimal:
    """人均纯收入 = (工资性 + 经营性 + 财产性 + 转移性 − 生产经营费用) / 人数, to the fen."""
    gross = wage_income + business_income + property_income + transfer_income
    net = (gross - production_cost) / Decimal(population)
    return net.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
