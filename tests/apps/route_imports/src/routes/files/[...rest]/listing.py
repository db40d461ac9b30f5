def describe(path: str) -> dict[str, object]:
    parts = [part for part in path.split("/") if part]
    return {"path": path, "depth": len(parts)}
