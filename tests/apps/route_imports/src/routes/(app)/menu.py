MENU = ["Home", "Dashboard"]
