# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Instance discovery across regions, shared by the ``*_instance_info`` modules and the service engines.

- the options every discovery module takes (``regions``, ``name_pattern``, ``tags``, ``fail_on_region_error``,
  ``concurrency``) and their validation (before any request);
- ``read_regions``: read every region in a bounded thread pool; a region whose read raises ``ApiError`` becomes a
  per-region error, the others' instances are kept (in the order the regions were given);
- the two paging loops of the list APIs (record offset + limit, page number + page size), which fail loudly instead of
  returning a partial list when the pages do not add up to the total the API announced.

Depends on ``common`` and ``transport.ApiError`` only; the callers bring one client per region (see
``CloudModule.region_client``), so no HTTP session is shared between threads.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import fnmatch
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.dbgov.cloud.plugins.module_utils.common import ValidationError, check_pattern, check_range
from ansible_collections.dbgov.cloud.plugins.module_utils.transport import ApiError

# region IDs of both clouds: cn-north-4, ap-southeast-1, eu-west-101, cn-shanghai-finance-1 ...
REGION_PATTERN = r'[a-z]{2}(?:-[a-z0-9]+){1,4}'
REGION_RULE = 'a region ID such as cn-north-4 or cn-hangzhou'
MAX_REGIONS = 64
MAX_CONCURRENCY = 16
DEFAULT_CONCURRENCY = 4
MAX_PAGES = 10000  # a guard against a service that never stops paging
TAG_MAX = 20


def argument_spec(tags=False):
    """The discovery options (``tags`` only for services whose list API filters by tag)."""
    spec = dict(
        regions=dict(type='list', elements='str'),
        name_pattern=dict(type='str'),
        fail_on_region_error=dict(type='bool', default=False),
        concurrency=dict(type='int', default=DEFAULT_CONCURRENCY),
    )
    if tags:
        spec['tags'] = dict(type='dict')
    return spec


def regions_of(params):
    """The regions to read: ``regions`` (duplicates dropped, order kept) or the connection's ``region``."""
    regions = params.get('regions') or [params.get('region')]
    seen = []
    for region in regions:
        if region not in seen:
            seen.append(region)
    return seen


def check_options(params, tag_separators=''):
    """Validate the discovery options; ``tag_separators``: characters a tag key or value may not hold for this API."""
    regions = regions_of(params)
    if len(regions) > MAX_REGIONS:
        raise ValidationError('regions: at most %d regions, got %d' % (MAX_REGIONS, len(regions)))
    option = 'regions' if params.get('regions') else 'region'
    for region in regions:
        if not region:
            raise ValidationError('%s: a region is required' % option)
        check_pattern(option, region, REGION_PATTERN, REGION_RULE)
    check_range('concurrency', params.get('concurrency'), 1, MAX_CONCURRENCY)
    if params.get('name_pattern') is not None and not params['name_pattern']:
        raise ValidationError('name_pattern: must not be empty (omit it to keep every name)')
    tags = params.get('tags') or {}
    if len(tags) > TAG_MAX:
        raise ValidationError('tags: at most %d tags, got %d' % (TAG_MAX, len(tags)))
    for key, value in tags.items():
        if not key:
            raise ValidationError('tags: a tag key must not be empty')
        for text in (key, '' if value is None else str(value)):
            bad = [c for c in tag_separators if c in text]
            if bad:
                raise ValidationError('tags: %r holds %s, which the list API uses as a separator' % (text, ' '.join(repr(c) for c in bad)))


def tag_pairs(tags):
    """``tags`` (dict) as sorted (key, value) pairs, values as text (None: any value)."""
    return [(str(key), None if value is None else str(value)) for key, value in sorted((tags or {}).items())]


def name_matches(name, pattern):
    """Shell-style wildcard match of the whole name (``*``, ``?``, ``[abc]``), case-sensitive; no pattern matches all."""
    return pattern is None or fnmatch.fnmatchcase(name or '', pattern)


def instance_view(cloud, service, item, fields, instance_id, name, region, status):
    """The discovery view every service shares (``instance_id``, ``name``, ``region``, ``status``, ``cloud``,
    ``service``), then the listed ``item``'s own ``fields`` ((API key, view key) pairs)."""
    view = dict(instance_id=instance_id, name=name, region=region, status=status, cloud=cloud, service=service)
    view.update((view_key, item.get(key)) for key, view_key in fields)
    return view


class Catalog(object):
    """The instances of one service in one region, bound to a client of that region; a subclass lists them."""

    def __init__(self, client, region):
        self.client = client
        self.region = region


def read_regions(regions, read, concurrency=DEFAULT_CONCURRENCY):
    """Call ``read(region)`` for every region in a pool of at most ``concurrency`` threads.

    Returns ``(instances, region_errors)``: the lists ``read`` returned, concatenated in the order of ``regions``, and
    one entry per region whose read raised ``ApiError`` (region, msg, error_code, http_status, request_id, operation,
    service). Any other exception is a bug and propagates.
    """
    outcomes = read_each(regions, lambda region: list(read(region)), concurrency)
    instances, errors = [], []
    for region, (found, err) in zip(regions, outcomes):
        if err is None:
            instances.extend(found)
        else:
            entry = dict(region=region, msg=err.describe())
            entry.update(err.to_result())
            errors.append(entry)
    return instances, errors


def read_each(keys, read, concurrency=DEFAULT_CONCURRENCY):
    """``[(value, error)]``: ``read(key)`` for every key, in a pool of at most ``concurrency`` threads, in the order of
    ``keys``; ``error`` is the ``ApiError`` the read raised (value None), else None. Any other exception propagates."""
    def one(key):
        try:
            return read(key), None
        except ApiError as err:
            return None, err

    if not keys:
        return []
    workers = max(1, min(concurrency or 1, len(keys)))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(one, keys))


class RegionErrors(ApiError):
    """Several regions' errors as one: the message already names each region's operation and request id."""

    def describe(self):
        return '%s: %s' % (self.code, self.message)


def combined_error(region_errors, total):
    """One ApiError for ``fail_on_region_error``: the first region's code, every region named in the message."""
    first = region_errors[0]
    text = '; '.join('%s: %s' % (e['region'], e['msg']) for e in region_errors)
    message = '%d of %d regions could not be read (fail_on_region_error): %s' % (len(region_errors), total, text)
    return RegionErrors(first.get('service'), first.get('operation'), first.get('http_status'), first.get('error_code'),
                        message, first.get('request_id'))


# --- several instances of one region read in one module run (the _info modules' ``instance_ids``) -----------------

MAX_INSTANCES = 1000


def instances_spec(option='instance_ids'):
    """The options of a multi-instance read: the IDs, ``concurrency`` and ``fail_on_instance_error``."""
    return {option: dict(type='list', elements='str'),
            'concurrency': dict(type='int', default=DEFAULT_CONCURRENCY),
            'fail_on_instance_error': dict(type='bool', default=True)}


def check_instances(params, check_id, option='instance_ids'):
    """Validate the multi-instance options (before any request); return the IDs, duplicates dropped, order kept."""
    ids = []
    for value in params.get(option) or []:
        if value not in ids:
            ids.append(value)
    if not ids:
        raise ValidationError('%s: give at least one ID' % option)
    if len(ids) > MAX_INSTANCES:
        raise ValidationError('%s: at most %d IDs, got %d' % (option, MAX_INSTANCES, len(ids)))
    for index, value in enumerate(ids):
        check_id('%s[%d]' % (option, index), value)
    check_range('concurrency', params.get('concurrency'), 1, MAX_CONCURRENCY)
    return ids


def instances_result(module, ids, outcomes, key, id_key='instance_id', option='instance_ids'):
    """The result fields of a multi-instance read: ``instances`` (``{id_key: ID, key: value}`` per instance read, in the
    order of ``ids``) and ``instance_errors`` (one entry per instance whose read raised ``ApiError``: ``id_key``, msg,
    error_code, http_status, request_id, operation, service). Errors fail the task as one ``ApiError`` naming every
    instance unless ``fail_on_instance_error`` is false; then each is also a warning."""
    entries, errors = [], []
    for resource_id, (value, err) in zip(ids, outcomes):
        if err is None:
            entries.append({id_key: resource_id, key: value})
        else:
            entry = {id_key: resource_id, 'msg': err.describe()}
            entry.update(err.to_result())
            errors.append(entry)
    if errors and module.params.get('fail_on_instance_error', True):
        first = errors[0]
        text = '; '.join('%s: %s' % (e[id_key], e['msg']) for e in errors)
        raise RegionErrors(first.get('service'), first.get('operation'), first.get('http_status'), first.get('error_code'),
                           '%d of %d instances could not be read (%s): %s' % (len(errors), len(ids), option, text),
                           first.get('request_id'))
    for entry in errors:
        module.warn('%s could not be read: %s' % (entry[id_key], entry['msg']))
    return dict(instances=entries, instance_errors=errors)


def _items(data, key, service, operation):
    items = data.get(key) if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise ApiError(service, operation, 200, 'InvalidResponse', 'the response has no %r list' % key)
    return items


def _incomplete(service, operation, got, total):
    return ApiError(service, operation, 200, 'IncompleteListing',
                    'the pages listed %d items where the service announced %d; refusing to return a partial list' % (got, total))


def offset_pages(fetch, limit, items_key, total_key, service, operation):
    """Every item of an offset/limit list: ``fetch(offset, limit)`` returns a response; ``offset`` counts records.

    Stops when the items reach the announced total; a short or empty page before that is an error (a service that
    reads ``offset`` as a page number, or a list that changed while being read, would otherwise lose items silently).
    """
    items, offset = [], 0
    for _page in range(MAX_PAGES):
        data = fetch(offset, limit)
        page = _items(data, items_key, service, operation)
        items.extend(page)
        offset += len(page)
        total = data.get(total_key)
        if not isinstance(total, int):
            if len(page) < limit:
                return items
            continue
        if offset >= total:
            return items
        if len(page) < limit:
            raise _incomplete(service, operation, offset, total)
    raise _incomplete(service, operation, len(items), -1)


def number_pages(fetch, page_size, items_of, total_key, service, operation):
    """Every item of a page-number list: ``fetch(page_number, page_size)`` returns a response, ``items_of(response)``
    its items. Same completeness rule as ``offset_pages``."""
    items = []
    for number in range(1, MAX_PAGES + 1):
        data = fetch(number, page_size)
        page = items_of(data)
        if not isinstance(page, list):
            raise ApiError(service, operation, 200, 'InvalidResponse', 'the response has no item list')
        items.extend(page)
        total = data.get(total_key)
        if not isinstance(total, int):
            try:
                total = int(total)
            except (TypeError, ValueError):
                total = None
        if total is None:
            if len(page) < page_size:
                return items
            continue
        if len(items) >= total:
            return items
        if len(page) < page_size:
            raise _incomplete(service, operation, len(items), total)
    raise _incomplete(service, operation, len(items), -1)


def discover(module, read, key='instances'):
    """The whole run of a discovery module: validate nothing more, read every region, report.

    ``read(region)`` returns the views of one region (it builds its client with ``module.region_client``). Region errors
    become warnings and ``region_errors``, or one failure with ``fail_on_region_error``. Read-only: ``changed`` is
    always false and check mode changes nothing.
    """
    params = module.params
    regions = regions_of(params)
    instances, errors = read_regions(regions, read, params.get('concurrency') or DEFAULT_CONCURRENCY)
    if errors and params.get('fail_on_region_error'):
        raise combined_error(errors, len(regions))
    for entry in errors:
        module.warn('region %s could not be read: %s' % (entry['region'], entry['msg']))
    result = dict(changed=False, regions=regions, region_errors=errors)
    result[key] = instances
    module.ansible.exit_json(**result)
