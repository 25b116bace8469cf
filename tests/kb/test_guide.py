"""The guides say what the merchant must know, with the ids the rules cite; broken guides fail loudly."""

from __future__ import annotations

import os
import re

import pytest

import kb.guide as guide_module
from kb.guide import Guide, GuideError, Section, guide_names, link_guides, load_guide, parse_guide

CANCEL = "cancel-an-order"
REVERT = "revert-fulfillment-request"

# interfaces.md §1: the ids and kinds the rules and pages rely on, in document order.
CANCEL_LAYOUT = [
    ("overview", [("look-up-order", "manual")]),
    (
        "supplier",
        [("supplier-check-status", "action"), ("supplier-cancel", "action"), ("supplier-confirm-cancelled", "action")],
    ),
    (
        "shopify",
        [
            ("shopify-check-fulfillment", "manual"),
            ("shopify-revert-fulfillment", "action"),
            ("shopify-cancel", "action"),
            ("shopify-confirm-cancelled", "manual"),
            ("shopify-refund-later", "manual"),
        ],
    ),
    ("customer", [("tell-customer", "manual")]),
    ("when-supplier-shipped", [("supplier-return-or-dispute", "manual")]),
    ("when-fulfilled", [("fulfilled-refund-or-return", "manual")]),
    ("manual-payment", []),
    ("on-hold", []),
    ("chargeback", []),
]
REVERT_SECTIONS = ["why", "which-revert", "after-revert"]
REVERT_STEPS = [
    ("revert-check-request", "manual"),
    ("revert-cancel-submitted", "action"),
    ("revert-request-cancellation", "action"),
    ("revert-wait-for-service", "manual"),
    ("revert-mark-open", "action"),
    ("revert-release-hold", "action"),
    ("revert-confirm-unfulfilled", "manual"),
]


def _text(*parts: str) -> str:
    return re.sub(r"\s+", " ", " ".join(parts)).lower()


def _section_text(section: Section) -> str:
    """Everything a merchant reads in a section: its title, text, callouts and steps."""
    parts = [section.title, section.body, *section.notes, *section.warnings]
    for step in section.steps:
        parts += [step.title, step.body, *step.notes, *step.warnings]
    return _text(*parts)


def _guide_text(guide: Guide) -> str:
    return _text(guide.title, guide.intro, *(_section_text(s) for s in guide.sections))


@pytest.fixture(scope="module")
def cancel() -> Guide:
    return load_guide(CANCEL)


@pytest.fixture(scope="module")
def revert() -> Guide:
    return load_guide(REVERT)


# --- layout: the ids other code cites ------------------------------------------------------


def test_both_guides_ship_with_the_package() -> None:
    assert set(guide_names()) >= {CANCEL, REVERT}


@pytest.mark.parametrize("name", [CANCEL, REVERT])
def test_ids_are_unique_across_a_guide(name: str) -> None:
    guide = load_guide(name)
    ids = [s.id for s in guide.sections] + [step.id for step in guide.steps]
    assert len(ids) == len(set(ids))


def test_the_cancel_guide_has_its_sections_in_the_agreed_order(cancel: Guide) -> None:
    assert [s.id for s in cancel.sections] == [section_id for section_id, _ in CANCEL_LAYOUT]


@pytest.mark.parametrize(
    ("section_id", "step_id", "kind"),
    [(section_id, step_id, kind) for section_id, steps in CANCEL_LAYOUT for step_id, kind in steps],
)
def test_every_cancel_step_sits_in_its_section_with_its_kind(
    cancel: Guide, section_id: str, step_id: str, kind: str
) -> None:
    step = cancel.step(step_id)
    assert (step.section_id, step.kind) == (section_id, kind)
    assert step in cancel.section(section_id).steps


def test_the_cancel_steps_come_in_the_agreed_order(cancel: Guide) -> None:
    expected = [step_id for _, steps in CANCEL_LAYOUT for step_id, _ in steps]
    assert [step.id for step in cancel.steps] == expected


def test_the_revert_guide_has_its_sections_and_steps_in_order(revert: Guide) -> None:
    assert [s.id for s in revert.sections] == REVERT_SECTIONS
    assert [(step.id, step.kind) for step in revert.steps] == REVERT_STEPS


def test_the_supplier_part_comes_before_the_shopify_part(cancel: Guide) -> None:
    assert cancel.section("supplier").line < cancel.section("shopify").line
    assert cancel.section("supplier").title.startswith("Part 1")
    assert cancel.section("shopify").title.startswith("Part 2")


def test_unknown_ids_raise_key_error(cancel: Guide) -> None:
    with pytest.raises(KeyError):
        cancel.step("no-such-step")
    with pytest.raises(KeyError):
        cancel.section("no-such-section")
    with pytest.raises(KeyError):
        load_guide("../pyproject")


def test_step_bodies_stay_markdown(cancel: Guide) -> None:
    body = cancel.step("supplier-cancel").body
    assert "**My Orders**" in body
    assert "1. Sign in to AliExpress" in body
    assert "{#" not in cancel.step("supplier-cancel").title


@pytest.mark.parametrize("name", [CANCEL, REVERT])
def test_links_between_guides_point_at_real_sections(name: str) -> None:
    found: list[tuple[str, str | None]] = []

    def collect(target: str, anchor: str | None) -> str:
        found.append((target, anchor))
        return "#"

    guide = load_guide(name)
    link_guides(guide.intro, collect)
    for section in guide.sections:
        for step in section.steps:
            link_guides("\n".join([step.body, *step.notes, *step.warnings]), collect)
        link_guides("\n".join([section.body, *section.notes, *section.warnings]), collect)
    assert found, "each guide links to the other"
    for target, anchor in found:
        assert target in guide_names()
        if anchor is not None:
            load_guide(target).section(anchor)


def test_link_guides_rewrites_only_guide_links() -> None:
    text = "See [revert](revert-fulfillment-request.md#why), [here](#supplier) and [web](https://example.com)."
    rewritten = link_guides(text, lambda name, anchor: f"guide?guide={name}#{anchor}")
    assert "(guide?guide=revert-fulfillment-request#why)" in rewritten
    assert "(#supplier)" in rewritten and "(https://example.com)" in rewritten


# --- content: what a merchant must learn ---------------------------------------------------


def test_the_overview_warns_to_cancel_at_the_supplier_first_then_shopify(cancel: Guide) -> None:
    overview = cancel.section("overview")
    assert overview.warnings, "money at risk is a warning"
    warning = _text(*overview.warnings)
    assert "supplier first" in warning and "shopify second" in warning
    assert "paid for goods" in warning


def test_the_supplier_can_cancel_only_while_placed_and_not_shipped(cancel: Guide) -> None:
    text = _section_text(cancel.section("supplier"))
    assert "placed" in text and "awaiting shipment" in text
    assert "not shipped" in text or "shipped, there is no cancel" in text


def test_the_aliexpress_cancel_is_spelled_out_click_by_click(cancel: Guide) -> None:
    text = _text(cancel.step("supplier-cancel").body)
    clicks = ("my orders", "order details", "cancel order", "reason", "submit", "confirm")
    positions = [text.index(word) for word in clicks]
    assert positions == sorted(positions)


def test_a_paid_aliexpress_order_needs_the_sellers_approval_within_72_hours(cancel: Guide) -> None:
    text = _text(cancel.step("supplier-cancel").body)
    assert "seller to approve" in text
    assert "72 hours" in text
    assert "closes the order by itself and refunds you" in text


def test_cj_orders_can_be_cancelled_before_payment(cancel: Guide) -> None:
    text = _text(cancel.step("supplier-cancel").body)
    assert "cj dropshipping" in text and "before it is paid" in text


def test_shopify_cancels_only_unfulfilled_orders(cancel: Guide) -> None:
    text = _section_text(cancel.section("shopify"))
    assert "only while its fulfillment status is unfulfilled" in text


def test_fulfillment_in_progress_must_be_reverted_first_with_the_revert_guide(cancel: Guide) -> None:
    step = cancel.step("shopify-revert-fulfillment")
    assert "fulfillment in progress" in _text(step.body)
    assert "(revert-fulfillment-request.md)" in step.body
    assert "fulfillment in progress" in _text(cancel.step("shopify-check-fulfillment").body)


@pytest.mark.parametrize(
    "option",
    [
        "**now**",
        "**later**",
        "**reason for cancellation**",
        "**staff note**",
        "internal note",
        "255 characters",
        "**restock inventory**",
        "**send a notification to the customer**",
    ],
)
def test_the_shopify_cancel_step_explains_every_option(cancel: Guide, option: str) -> None:
    assert option in _text(cancel.step("shopify-cancel").body)


@pytest.mark.parametrize(
    "reason", ["customer", "payment declined", "fraud", "inventory", "staff error", "other"]
)
def test_the_shopify_cancel_step_names_each_cancellation_reason(cancel: Guide, reason: str) -> None:
    assert reason in _text(cancel.step("shopify-cancel").body)


def test_a_refund_only_goes_to_the_original_payment_method(cancel: Guide) -> None:
    notes = _text(*cancel.step("shopify-cancel").notes)
    assert "original payment method" in notes
    assert "bank" in notes


def test_cancelling_on_shopify_is_irreversible(cancel: Guide) -> None:
    step = cancel.step("shopify-cancel")
    assert "cannot be reversed" in _text(*step.warnings)
    assert "cannot be undone" in _text(*cancel.section("shopify").warnings)


def test_a_shipped_supplier_order_means_a_return_or_dispute_and_its_cost(cancel: Guide) -> None:
    section = cancel.section("when-supplier-shipped")
    text = _section_text(section)
    assert section.warnings
    assert "return" in text and "dispute" in text
    assert "refund on shopify is yours to pay" in text


def test_a_fulfilled_order_is_refunded_or_returned_not_cancelled(cancel: Guide) -> None:
    text = _section_text(cancel.section("when-fulfilled"))
    assert "cannot be cancelled" in text
    assert "refund" in text and "return" in text


def test_the_customer_is_told_how_the_money_comes_back(cancel: Guide) -> None:
    text = _text(cancel.step("tell-customer").body)
    assert "cancelled" in text and "original payment method" in text


@pytest.mark.parametrize(
    ("step_id", "words"),
    [
        ("revert-cancel-submitted", ("not accepted", "at once")),
        ("revert-request-cancellation", ("already accepted", "message")),
        ("revert-wait-for-service", ("accepts", "refuses")),
        ("revert-mark-open", ("your own locations", "open")),
        ("revert-release-hold", ("on hold", "release the hold")),
        ("revert-confirm-unfulfilled", ("unfulfilled", "cancel order")),
    ],
)
def test_each_revert_step_says_when_it_applies_and_what_it_does(
    revert: Guide, step_id: str, words: tuple[str, ...]
) -> None:
    text = _text(revert.step(step_id).body)
    for word in words:
        assert word in text


def test_guides_do_not_copy_the_help_articles_sentences() -> None:
    copied = [
        "you only can cancel the order from the supplier if the order status is order placed",
        "so, without any further ado",
        "there is no option for you to cancel the orders from the front end",
        "to get a better picture of how to cancel an order on shopify",
    ]
    for name in guide_names():
        text = _guide_text(load_guide(name))
        assert not [sentence for sentence in copied if sentence in text]


# --- caching -------------------------------------------------------------------------------


def test_a_guide_is_parsed_once_and_again_after_an_edit(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(guide_module, "_GUIDES_DIR", tmp_path)
    path = tmp_path / "tiny.md"
    path.write_text("# First\n\n## Only {#only}\n\n### Do it {#do-it .manual}\n", encoding="utf-8")
    first = load_guide("tiny")
    assert load_guide("tiny") is first
    path.write_text("# Second\n\n## Only {#only}\n\n### Do it {#do-it .manual}\n", encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert load_guide("tiny").title == "Second"


# --- broken guides fail loudly, naming file and line ----------------------------------------

_HEAD = "# Broken\n\nIntro.\n\n## Part {#part}\n\n"


@pytest.mark.parametrize(
    ("markdown", "line", "message"),
    [
        (
            _HEAD + "### One {#same .action}\n\n### Two {#same .manual}\n",
            9,
            "duplicate id 'same' (first used on line 7)",
        ),
        (_HEAD + "### One {#part .action}\n", 7, "duplicate id 'part'"),
        ("# Broken\n\nIntro.\n\n### Lost {#lost .manual}\n", 5, "step 'lost' is outside a section"),
        (_HEAD + "### No id here\n", 7, "has no id"),
        ("# Broken\n\n## No id section\n", 3, "has no id"),
        (_HEAD + "### Bad {#Bad_Id .manual}\n", 7, "invalid id 'Bad_Id'"),
        (_HEAD + "### Kindless {.manual}\n", 7, "needs exactly one '#id'"),
        (_HEAD + "### Odd {#odd .dance}\n", 7, "unknown step kind '.dance'"),
        (_HEAD + "### Kindless {#kindless}\n", 7, "has no kind"),
        (_HEAD + "###  {#untitled .manual}\n", 7, "'untitled' has an empty title"),
        ("# Broken\n\n## {#empty}\n", 3, "'empty' has an empty title"),
        ("# \n\n## Part {#part}\n", 1, "title is empty"),
        ("Intro first.\n\n# Broken\n", 1, "must start with its '# Title'"),
        (_HEAD + "> Just a quote.\n", 7, "must start with **Note** or **Warning**"),
        ("# Broken\n\n> **Note** Too early.\n\n## Part {#part}\n", 3, "belong in a section"),
        (_HEAD + "<div>raw</div>\n", 7, "raw HTML"),
        (_HEAD + "See [there](#nowhere).\n", 7, "link to '#nowhere'"),
        ("# Broken\n\nNo sections at all.\n", 3, "no '## Section"),
    ],
)
def test_a_broken_guide_fails_with_file_and_line(markdown: str, line: int, message: str) -> None:
    with pytest.raises(GuideError) as caught:
        parse_guide(markdown, source="kb/guides/broken.md")
    assert caught.value.line == line
    assert str(caught.value).startswith(f"kb/guides/broken.md:{line}: ")
    assert message in str(caught.value)


def test_notes_and_warnings_are_kept_where_they_stand() -> None:
    guide = parse_guide(
        _HEAD
        + "> **Warning** Money at risk.\n\n### Step {#step .action}\n\nDo it.\n\n> **Note:** Mind this.\n",
        source="ok.md",
    )
    assert guide.name == "ok"
    assert guide.section("part").warnings == ("Money at risk.",)
    step = guide.step("step")
    assert (step.body, step.notes, step.warnings) == ("Do it.", ("Mind this.",), ())
    assert guide.intro == "Intro."
