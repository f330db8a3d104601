def account_panel(request, account):
    return None


def my_licenses_panel(request, account):
    return None
