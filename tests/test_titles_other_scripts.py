"""Job titles in Japanese, Chinese, Korean and Russian: the head of a company is C-level, a
head of sales a director in sales, and a title the rules cannot read is unknown — never a
junior. A rule "seniority is C-level" missed every 代表取締役 (the company's head) when each
unread title was an individual contributor."""
from __future__ import annotations

import io
import random

import pandas as pd

from workshop.definition import Criterion, Definition
from workshop.evaluate import evaluate
from workshop.mapping import auto_map
from workshop.pipeline import import_leads

# Read by a person who reads the titles: seniority and function (None: the title says nothing
# the rules know; a person would not call it junior either).
TITLES = {
    "代表取締役社長": ("C-level", "Executive"),
    "代表取締役": ("C-level", "Executive"),
    "営業部長": ("Director", "Sales"),
    "副社長": ("VP", "Executive"),
    "総務課長": ("Manager", None),
    "マーケティング部 主任": (None, "Marketing"),
    "営業担当": (None, "Sales"),
    "会計士": (None, None),
    "销售总监": ("Director", "Sales"),
    "总经理": ("C-level", "Executive"),
    "대표이사": ("C-level", "Executive"),
    "마케팅 팀장": ("Manager", "Marketing"),
    "Генеральный директор": ("C-level", "Executive"),
    "Менеджер по продажам": ("Manager", "Sales"),
    "Accountant": ("Individual contributor", "Finance"),
    "Head of Sales": ("Director", "Sales"),
}


def export(seed: int = 5) -> tuple[bytes, list[str]]:
    rng = random.Random(seed)
    titles = [rng.choice(list(TITLES)) for _ in range(600)]
    companies = ["株式会社サクラ", "北京科技有限公司", "ООО Ромашка", "한빛 주식회사"]
    lines = ["Email,Title,Company,Industry"]  # a Japanese Salesforce org's API names
    lines += [f"p{i}@firm{i % 40}.jp,{title},{rng.choice(companies)},製造業"
              for i, title in enumerate(titles)]
    return ("\n".join(lines) + "\n").encode(), titles


def test_titles_in_other_scripts_read_as_a_person_reads_them():
    data, titles = export()
    leads = import_leads(data, "leads.csv").leads
    assert "job_title" in leads.columns
    assert read(leads["seniority"]) == [TITLES[t][0] for t in titles]
    assert read(leads["job_function"]) == [TITLES[t][1] for t in titles]


def read(column: pd.Series) -> list[str | None]:
    return [None if pd.isna(value) else value for value in column]


def test_a_c_level_rule_finds_the_japanese_company_heads_and_no_unread_title_is_junior():
    data, titles = export(seed=9)
    leads = import_leads(data, "leads.csv").leads
    heads = sum(TITLES[t][0] == "C-level" for t in titles)
    juniors = sum(TITLES[t][0] == "Individual contributor" for t in titles)
    c_level = Definition(criteria=[Criterion(field="seniority", op="in", values=["C-level"])])
    junior = Definition(criteria=[Criterion(field="seniority", op="in",
                                            values=["Individual contributor"])])
    assert evaluate(leads, c_level).count("MQL") == heads > 0
    assert evaluate(leads, junior).count("MQL") == juniors > 0


def test_company_names_in_japanese_are_not_taken_for_job_titles():
    text = "Kaisha,Email\n" + "\n".join(f"{n},p{i}@x.jp" for i, n in enumerate(
        ["株式会社サクラ", "山田商事", "東京精密", "大阪ガス", "北海道電力"] * 40))
    frame = pd.read_csv(io.StringIO(text), dtype=str)
    assert auto_map(frame).get("Kaisha") != "job_title"
