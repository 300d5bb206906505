from dashboard.render import attribute_label, inert, percent


def test_inert_neutralises_markdown_links_images_html_and_maths() -> None:
    assert inert("[a](javascript:x) ![i](http://e/x.png) <b>hi</b> $1$ **b**") == (
        r"\[a\]\(javascript\:x\) \!\[i\]\(http\:" + "\u2060" + r"//e/x\.png\) \<b\>hi\</b\> \$1\$ \*\*b\*\*"
    )


def test_inert_stops_bare_urls_and_addresses_becoming_links() -> None:
    shown = inert("http://evil.example www.evil.example me@evil.example")
    assert "://" not in shown
    assert "www\\." not in shown
    assert "@evil" not in shown
    assert shown.replace("\u2060", "").replace("\\", "") == "http://evil.example www.evil.example me@evil.example"
    assert inert("line one\nline two") == "line one  \nline two"
    assert inert(None) == ""


def test_labels_and_percentages() -> None:
    assert attribute_label("attr_respondent_type") == "Respondent type"
    assert percent(0.1234) == "12%"
    assert percent(None) == "—"
