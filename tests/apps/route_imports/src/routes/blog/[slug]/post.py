from dataclasses import dataclass


@dataclass
class Post:
    slug: str

    @property
    def title(self) -> str:
        return self.slug.replace("-", " ").title()
