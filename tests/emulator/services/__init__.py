"""Emulated services: every module of this package that defines SERVICE is served.

A module may also define ``seed_defaults(state)``; it then fills defaults into the service's state each time the
state is (re)seeded, unless SERVICE.seed_defaults is already set.
"""

import importlib
import pkgutil


def discover():
    """{service name: Service} for every module of this package that defines SERVICE."""
    services = {}
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda info: info.name):
        if module_info.name.startswith('_'):
            continue
        module = importlib.import_module(f'{__name__}.{module_info.name}')
        service = getattr(module, 'SERVICE', None)
        if service is None:
            continue
        if service.seed_defaults is None and callable(getattr(module, 'seed_defaults', None)):
            service.seed_defaults = module.seed_defaults
        services[service.name] = service
    return services
