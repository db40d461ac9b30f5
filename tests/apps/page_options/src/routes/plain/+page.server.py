csr = False


def load(event):
    return {"greeting": "no JavaScript here"}


actions = {"default": lambda event: {"echo": event.form_data.get("name", "")}}
