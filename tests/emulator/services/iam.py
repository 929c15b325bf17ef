"""Huawei IAM (Keystone): just what project-id resolution needs, GET /v3/projects?name=<region>."""

from ..core import HuaweiService

SERVICE = HuaweiService('iam')


def seed_defaults(state):
    """Projects in seed/iam.json only need id and name; the Keystone fields get their usual values."""
    domain_id = state.setdefault('domain_id', '0' * 32)
    for project in state.setdefault('projects', []):
        project.setdefault('domain_id', domain_id)
        project.setdefault('parent_id', domain_id)
        project.setdefault('enabled', True)
        project.setdefault('description', '')
        project.setdefault('is_domain', False)


@SERVICE.route('GET', '/v3/projects', operation='KeystoneListProjects')
def list_projects(ctx):
    base = f'https://{ctx.host}' if ctx.host else ''
    filters = {key: ctx.query[key] for key in ('name', 'domain_id', 'parent_id', 'id') if key in ctx.query}
    if 'enabled' in ctx.query:
        filters['enabled'] = ctx.query['enabled'].lower() == 'true'
    projects = [dict(project, links={'self': f'{base}/v3/projects/{project["id"]}'}) for project in ctx.state['projects']
                if all(project.get(key) == value for key, value in filters.items())]
    return 200, {'projects': projects, 'links': {'self': f'{base}/v3/projects', 'previous': None, 'next': None}}
