csr = True
