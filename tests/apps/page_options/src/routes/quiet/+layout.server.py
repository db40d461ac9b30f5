csr = False
