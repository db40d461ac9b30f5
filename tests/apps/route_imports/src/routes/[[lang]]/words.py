WORDS = {"en": "Hello", "fr": "Bonjour"}
