trailing_slash = "always"
