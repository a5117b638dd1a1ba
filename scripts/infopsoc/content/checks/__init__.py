"""The checks that read every text of the site, after the collections are loaded."""
