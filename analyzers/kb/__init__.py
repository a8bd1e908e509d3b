"""What the tool knows from the Acronis knowledge base and documentation, besides the signatures: the KB index
("possibly related" articles), the error-code catalogue and module table, and the console's labels in every
language. All of it is data in ``resources/kb/``, each fact with the URL of the page it was read from."""
