"""The expanded size of a YAML document: aliases counted as often as they repeat."""

from __future__ import annotations

import pytest
import yaml

from procureflow.domain.yaml_size import TooLarge, expanded_size


def test_a_plain_document_counts_every_value() -> None:
    assert expanded_size(yaml.compose("a: [1, 2]\nb: c\n")) == 7  # map, 2 keys, seq, 2, c


def test_an_alias_counts_as_often_as_it_repeats() -> None:
    assert expanded_size(yaml.compose("a: &x [1, 2, 3]\nb: [*x, *x]\n")) == 1 + 2 + 4 + 1 + 8


def test_a_node_inside_its_own_anchor_is_refused() -> None:
    with pytest.raises(TooLarge, match="endless"):
        expanded_size(yaml.compose("a: &x [*x]\n"))


def test_more_than_the_limit_is_refused() -> None:
    with pytest.raises(TooLarge, match="more than 50"):
        expanded_size(
            yaml.compose("a: &x [1, 2, 3, 4, 5, 6, 7, 8, 9]\nb: [*x, *x, *x, *x, *x, *x]\n"),
            limit=50,
        )
