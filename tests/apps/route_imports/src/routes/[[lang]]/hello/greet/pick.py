from ...words import WORDS


def pick(lang: str) -> str:
    return WORDS.get(lang, WORDS["en"])
