"""Family members filed with a main applicant (issue 22 item 4): the partner's and children's
own applications, linked to the main application they follow."""
