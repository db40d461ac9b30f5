import pytest

from kite.sansio.module_names import folder_package_names, kite_file_module_name


@pytest.mark.parametrize(
    ("folders", "modules", "expected"),
    [
        (["sverdle"], [], {"sverdle": "sverdle"}),
        (["[slug]"], [], {"[slug]": "_slug_"}),
        (["[[lang]]"], [], {"[[lang]]": "_lang_"}),
        (["[...rest]"], [], {"[...rest]": "_rest_"}),
        (["(group)"], [], {"(group)": "_group_"}),
        (["sitemap.xml"], [], {"sitemap.xml": "_sitemap_xml_"}),
        (["[name]-[id]"], [], {"[name]-[id]": "_name_id_"}),
        (["@[user]"], [], {"@[user]": "_user_"}),
        (["2024"], [], {"2024": "_2024_"}),
        (["class"], [], {"class": "_class_"}),
        (["[é]"], [], {"[é]": "_é_"}),
        (["[]"], [], {"[]": "_"}),
        # Made-up names never take a sibling's: folders', files', or each other's.
        (["(slug)", "[slug]"], [], {"(slug)": "_slug_", "[slug]": "_slug_2"}),
        (["[slug]"], ["_slug_"], {"[slug]": "_slug_2"}),
        (["[slug]", "_slug_"], [], {"[slug]": "_slug_2", "_slug_": "_slug_"}),
        (["(a)", "[a]", "_a_2"], [], {"(a)": "_a_", "[a]": "_a_3", "_a_2": "_a_2"}),
    ],
)
def test_folder_package_names(
    folders: list[str], modules: list[str], expected: dict[str, str]
) -> None:
    assert folder_package_names(folders, modules) == expected
    # The same folders in another order get the same names.
    assert folder_package_names(reversed(folders), modules) == expected
    for name in expected.values():
        assert name.isidentifier()


@pytest.mark.parametrize(
    ("file", "expected"),
    [
        ("+page.server.py", "+page_server"),
        ("+layout.server.py", "+layout_server"),
        ("+server.py", "+server"),
        ("hooks.server.py", "+hooks_server"),
    ],
)
def test_kite_file_module_name(file: str, expected: str) -> None:
    assert kite_file_module_name(file) == expected
