prerender = "auto"
