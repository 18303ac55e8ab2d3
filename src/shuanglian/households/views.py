"""Pages of the household registry: list, detail, and the forms that call the services."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from shuanglian.assistance.rules import may_visit
from shuanglian.assistance.selectors import overdue_measures
from shuanglian.core.access import (
    can_write,
    may_reveal,
    may_write_pairing,
    require_any_write,
    require_write,
    user_scope,
)
from shuanglian.core.errors import InvalidInput, NotFound
from shuanglian.core.forms import submit
from shuanglian.households import selectors, services
from shuanglian.households.forms import (
    HouseholdCreateForm,
    HouseholdFilterForm,
    HouseholdUpdateForm,
    IncomeForm,
    MemberEndForm,
    MemberForm,
)
from shuanglian.households.models import Relation
from shuanglian.regions.selectors import region_get

HOUSEHOLD_CREATED = _("Household {number} ({name}) was registered.")
HOUSEHOLD_SAVED = _("Household {number} was saved.")
MEMBER_ADDED = _("{name} was added to the household.")
MEMBER_SAVED = _("The details of {name} were saved.")
MEMBER_ENDED = _("{name} has left the household.")
INCOME_SAVED = _("Income for {year} was saved: net income per person {net} yuan.")


def _form_page(request, *, form, sections, title, cancel_url, status=200, **context):
    """One template for every form here: titled groups of fields in a responsive grid."""
    context.update(
        form=form,
        sections=[(heading, [form[name] for name in names]) for heading, names in sections],
        title=title,
        cancel_url=cancel_url,
    )
    return render(request, "households/form.html", context, status=status)


@login_required
def household_list(request):
    form = HouseholdFilterForm(request.GET or None)
    filters = {name: request.GET.get(name, "") for name in ("region", "category", "q")}
    rows, next_cursor, region, status = [], None, None, 200
    try:
        page = selectors.household_list(
            user=request.user, cursor=request.GET.get("cursor") or None, **filters
        )
    except InvalidInput as err:
        form.add_domain_error(err)
        status = 400
    else:
        cadres = selectors.households_with_current_cadre(user=request.user, households=page.items)
        rows = [(household, cadres.get(household.pk)) for household in page.items]
        next_cursor = page.next_cursor
        if filters["region"].strip():
            try:
                region = region_get(user=request.user, code=filters["region"].strip())
            except NotFound:
                region = None
    scope = user_scope(request.user)
    context = {
        "form": form,
        "rows": rows,
        "next_cursor": next_cursor,
        "is_first_page": not request.GET.get("cursor"),
        "region": region,
        "can_create": scope.writable,
    }
    return render(request, "households/list.html", context, status=status)


@login_required
def household_detail(request, pk):
    detail = selectors.household_detail(user=request.user, pk=pk)
    household = detail.household
    context = {
        "detail": detail,
        "household": household,
        "can_write": can_write(request.user, household.village_id),
        "can_reveal": may_reveal(request.user),
        "can_pair": may_write_pairing(
            request.user, unit_id=None, village_code=household.village_id
        ),
        "today": dt.date.today(),
        "may_visit": may_visit(request.user, household),
        "overdue": overdue_measures(request.user, household=household, limit=20).items,
    }
    return render(request, "households/detail.html", context)


@login_required
def household_create(request):
    village = None
    if code := request.GET.get("village", "").strip():
        village = region_get(user=request.user, code=code)
        require_write(request.user, village.code)
    else:
        require_any_write(request.user)
    initial = {"village": village.code} if village else {}
    form = HouseholdCreateForm(request.POST or None, initial=initial)
    fixed_village = village if village is not None and village.is_village else None
    if fixed_village is not None:
        form.fields["village"].widget = form.fields["village"].hidden_widget()
    outcome = submit(
        request,
        form,
        lambda data: services.household_create(
            actor=request.user,
            village_code=data["village"],
            head=form.member_data(relation=Relation.HEAD),
            number=data["number"],
            address=data["address"],
            phone=data["phone"],
            category=data["category"],
            poverty_cause_main=data["poverty_cause_main"],
            poverty_cause_secondary=data["poverty_cause_secondary"],
        ),
    )
    if outcome.saved:
        household = outcome.value
        messages.success(
            request,
            HOUSEHOLD_CREATED.format(number=household.number, name=household.head_name),
        )
        return redirect("households:detail", pk=household.pk)
    status = outcome.status
    household_fields = [
        name
        for name in HouseholdCreateForm.HOUSEHOLD_FIELDS
        if not (fixed_village and name == "village")
    ]
    return _form_page(
        request,
        form=form,
        sections=[
            (_("Household"), household_fields),
            (_("Head of household"), HouseholdCreateForm.PERSON_FIELDS),
        ],
        title=_("Register a household"),
        cancel_url=_list_url(fixed_village),
        status=status,
        village=fixed_village,
    )


def _list_url(village) -> str:
    url = reverse("households:list")
    return f"{url}?region={village.code}" if village else url


@login_required
def household_update(request, pk):
    household = selectors.household_get(user=request.user, pk=pk)
    require_write(request.user, household.village_id)
    initial = {
        "category": household.category,
        "poverty_cause_main": household.poverty_cause_main,
        "poverty_cause_secondary": household.poverty_cause_secondary,
        "address": household.address,
    }
    form = HouseholdUpdateForm(
        request.POST or None, initial=initial, phone_masked=household.phone_masked
    )
    outcome = submit(
        request,
        form,
        lambda data: services.household_update(
            actor=request.user,
            household=household,
            address=data["address"],
            category=data["category"],
            poverty_cause_main=data["poverty_cause_main"],
            poverty_cause_secondary=data["poverty_cause_secondary"],
            **form.phone_argument(),
        ),
    )
    if outcome.saved:
        messages.success(request, HOUSEHOLD_SAVED.format(number=household.number))
        return redirect("households:detail", pk=household.pk)
    status = outcome.status
    return _form_page(
        request,
        form=form,
        sections=[(None, list(form.fields))],
        title=_("Edit household {number}").format(number=household.number),
        cancel_url=_detail_url(household.pk),
        status=status,
        household=household,
    )


def _detail_url(pk) -> str:
    return reverse("households:detail", kwargs={"pk": pk})


MEMBER_SECTIONS = [(None, ["name", "relation", *MemberForm.PERSON_FIELDS[1:]])]


@login_required
def member_create(request, pk):
    household = selectors.household_get(user=request.user, pk=pk)
    require_write(request.user, household.village_id)
    form = MemberForm(request.POST or None, initial={"relation": Relation.SPOUSE})
    outcome = submit(
        request,
        form,
        lambda data: services.member_add(
            actor=request.user,
            household=household,
            data=form.member_data(relation=data["relation"]),
        ),
    )
    if outcome.saved:
        member = outcome.value
        messages.success(request, MEMBER_ADDED.format(name=member.name))
        return redirect("households:detail", pk=household.pk)
    status = outcome.status
    return _form_page(
        request,
        form=form,
        sections=MEMBER_SECTIONS,
        title=_("Add a member to household {number}").format(number=household.number),
        cancel_url=_detail_url(household.pk),
        status=status,
        household=household,
    )


@login_required
def member_update(request, pk):
    member = selectors.member_get(user=request.user, pk=pk)
    household = member.household
    require_write(request.user, household.village_id)
    initial = {
        name: getattr(member, name) for name in ("name", "relation", *MemberForm.PERSON_FIELDS[2:])
    }
    form = MemberForm(request.POST or None, initial=initial, kept_masked=member.id_number_masked)
    outcome = submit(
        request,
        form,
        lambda data: services.member_update(
            actor=request.user,
            member=member,
            data=form.member_data(relation=data["relation"]),
        ),
    )
    if outcome.saved:
        messages.success(request, MEMBER_SAVED.format(name=member.name))
        return redirect("households:detail", pk=household.pk)
    status = outcome.status
    return _form_page(
        request,
        form=form,
        sections=MEMBER_SECTIONS,
        title=_("Edit member {name}").format(name=member.name),
        cancel_url=_detail_url(household.pk),
        status=status,
        household=household,
        member=member,
    )


@login_required
def member_end(request, pk):
    member = selectors.member_get(user=request.user, pk=pk)
    household = member.household
    require_write(request.user, household.village_id)
    form = MemberEndForm(request.POST or None)
    outcome = submit(
        request,
        form,
        lambda data: services.member_end(
            actor=request.user,
            member=member,
            ended_on=data["ended_on"],
            reason=data["reason"],
        ),
    )
    if outcome.saved:
        messages.success(request, MEMBER_ENDED.format(name=member.name))
        return redirect("households:detail", pk=household.pk)
    status = outcome.status
    return _form_page(
        request,
        form=form,
        sections=[(None, list(form.fields))],
        title=_("{name} leaves the household").format(name=member.name),
        intro=_("The member stays in the household's history as a former member."),
        cancel_url=_detail_url(household.pk),
        submit_label=_("Confirm"),
        status=status,
        household=household,
        member=member,
    )


@login_required
def income_save(request, pk):
    household = selectors.household_get(user=request.user, pk=pk)
    require_write(request.user, household.village_id)
    initial = {"year": dt.date.today().year - 1}
    record = None
    year = request.GET.get("year", "")
    if year.isdigit():
        record = selectors.income_record_of_year(
            user=request.user, household=household, year=int(year)
        )
        initial["year"] = int(year)
    if record is not None:
        initial.update(
            {name: getattr(record, name) for name in IncomeForm.AMOUNTS},
            population=record.population,
        )
    form = IncomeForm(request.POST or None, initial=initial, member_count=household.member_count)
    outcome = submit(
        request,
        form,
        lambda data: services.income_record_save(
            actor=request.user,
            household=household,
            year=data["year"],
            population=data["population"],
            **{name: data[name] for name in IncomeForm.AMOUNTS},
        ),
    )
    if outcome.saved:
        saved = outcome.value
        messages.success(request, INCOME_SAVED.format(year=saved.year, net=saved.net_per_capita))
        return redirect("households:detail", pk=household.pk)
    status = outcome.status
    return _form_page(
        request,
        form=form,
        sections=[(None, list(form.fields))],
        title=_("Income of household {number}").format(number=household.number),
        intro=_(
            "Amounts in yuan for the whole household and the whole year. Net income per "
            "person = (wage + business + property + transfer income − production costs) ÷ "
            "people counted."
        ),
        cancel_url=_detail_url(household.pk),
        status=status,
        household=household,
    )
