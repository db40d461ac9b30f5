PAGES = ["/", "/dashboard"]
