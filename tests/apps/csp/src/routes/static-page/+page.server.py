prerender = True
