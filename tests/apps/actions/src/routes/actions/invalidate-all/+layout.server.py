import datetime


def load(event):
    return {"changes_every_load": datetime.datetime.now(datetime.timezone.utc).isoformat()}
