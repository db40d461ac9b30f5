actions = {}
