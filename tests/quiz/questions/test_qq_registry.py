"""One registry of families: each name has one builder and one solver, declared parameters,
and a declared reveal picture that matches what the reveal showed before it was declared."""

from __future__ import annotations

import random
from collections.abc import Mapping

import pytest

from bot.facts.records import Facts
from bot.quiz.questions import FAMILIES
from bot.quiz.questions.model import PictureRequest, Question
from bot.quiz.questions.registry import REGISTRY, SOLVERS, Param, Registry, RegistryError

YEAR = Param.YEAR


def _build(fam, facts, rng):  # a builder that is never run
    return None


def _solve(q, facts):
    return set()


def test_a_family_without_a_solver_fails_the_registry() -> None:
    registry = Registry()
    registry.family("lonely", "defectors", "easy")(_build)
    with pytest.raises(RegistryError, match="family 'lonely' has no solver"):
        registry.families()


def test_a_solver_without_a_family_fails_the_registry() -> None:
    registry = Registry()
    registry.solver("orphan")(_solve)
    with pytest.raises(RegistryError, match="solver 'orphan' has no family"):
        registry.families()


def test_a_name_registered_twice_fails() -> None:
    registry = Registry()
    registry.family("twice", "defectors", "easy")(_build)
    with pytest.raises(RegistryError, match="registered twice"):
        registry.family("twice", "recognition", "easy")(_build)
    registry.solver("twice")(_solve)
    with pytest.raises(RegistryError, match="registered twice"):
        registry.solver("twice")(_solve)
    with pytest.raises(RegistryError, match="no difficulty"):
        registry.family("none", "defectors")(_build)


def test_a_complete_registration_passes_and_keeps_its_declarations() -> None:
    registry = Registry()
    fam = registry.family("ok", "defectors", "easy", "hard", params={"year": YEAR})(_build)
    registry.solver("ok")(_solve)
    assert registry.families() == {"ok": fam}
    assert dict(fam.params) == {"year": YEAR}
    assert fam.difficulties == {"easy", "hard"}


def test_the_real_registry_is_complete_and_in_the_generators_order() -> None:
    assert REGISTRY.problems() == []
    assert set(FAMILIES) == set(SOLVERS)
    modules = [f.build.__module__.rsplit(".", 1)[-1] for f in FAMILIES.values()]
    # defectors, then recognition, then the articles: the order a seed reproduces.
    assert modules == sorted(modules, key=["_fam_defectors", "_fam_recognition",
                                           "_fam_article"].index)
    assert list(FAMILIES)[:2] == ["peak_year", "lowest_year"]
    assert list(FAMILIES)[-2:] == ["article_defectors", "article_recognition"]


def _made(facts: Facts, per_family: int = 120) -> dict[str, list[Question]]:
    rng = random.Random(77)
    return {name: [q for q in (fam(facts, rng) for _ in range(per_family)) if q is not None]
            for name, fam in FAMILIES.items()}


def test_every_family_declares_exactly_the_params_it_sets(facts) -> None:
    for name, made in _made(facts).items():
        assert made, name
        for q in made:
            assert q.family == name
            assert q.topic == FAMILIES[name].topic
            assert set(q.params) == set(FAMILIES[name].params), q.id


def _guessed(q: Question, facts: Facts) -> PictureRequest | None:
    """What the quiz presenter used to guess from the family and the params (kept here as
    the reference the declared pictures must reproduce)."""
    params: Mapping[str, object] = q.params
    if q.family.startswith("article"):
        return None
    if q.topic == "recognition":
        return PictureRequest("map", as_of=q.as_of)
    if "first" in params and "last" in params:
        return PictureRequest("chart", span=(int(str(params["first"])), int(str(params["last"]))))
    year = params.get("year")
    single = isinstance(year, int) and year in facts.year_by_number
    return PictureRequest("chart", highlight=int(str(year)) if single else None)


def test_every_family_declares_the_picture_the_reveal_showed(facts) -> None:
    kinds = {}
    for name, made in _made(facts).items():
        for q in made:
            want = _guessed(q, facts)
            if q.family == "data_caveat":
                assert q.picture is None, q.id  # a caveat about labels: no chart helps
            elif q.picture is not None and q.picture.kind in ("cumulative", "gender"):
                # The running-total and women/men charts replace the arrivals chart for the
                # questions they fit, highlighting the same year (or none).
                assert want is not None, q.id
                assert want.kind == "chart", q.id
                assert q.picture.highlight in (want.highlight, None), q.id
            else:
                assert q.picture == want, q.id
        kinds[name] = {None if q.picture is None else q.picture.kind for q in made}
    assert kinds["article_defectors"] == kinds["article_recognition"] == {None}
    assert kinds["span_total"] == kinds["peak_year"] == {"chart"}
    assert kinds["palestine_count"] == {"map"}
    assert kinds["cumulative_total"] == kinds["cumulative_milestone"] == {"cumulative"}
    assert kinds["female_share"] == kinds["women_share_overall"] == {"gender"}
