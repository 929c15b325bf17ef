# -*- coding: utf-8 -*-
# Copyright: dbgov.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""module_utils/discovery: regions read in a bounded pool, per-region errors, complete paging, option checks."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import threading
import time

import pytest

from ansible_collections.dbgov.cloud.plugins.module_utils import discovery
from ansible_collections.dbgov.cloud.plugins.module_utils.common import ValidationError
from ansible_collections.dbgov.cloud.plugins.module_utils.transport import ApiError


def test_read_regions_keeps_region_order_and_reports_failed_regions():
    def read(region):
        if region == 'cn-south-1':
            raise ApiError('iam', 'KeystoneListProjects', 200, 'ProjectNotResolved', 'no project', 'req-1')
        time.sleep(0.05 if region == 'cn-north-4' else 0)  # the first region answers last
        return [dict(region=region, n=n) for n in range(2)]

    found, errors = discovery.read_regions(['cn-north-4', 'cn-south-1', 'ap-southeast-1'], read, concurrency=3)
    assert [(i['region'], i['n']) for i in found] == [('cn-north-4', 0), ('cn-north-4', 1), ('ap-southeast-1', 0), ('ap-southeast-1', 1)]
    assert errors == [dict(region='cn-south-1', msg=errors[0]['msg'], error_code='ProjectNotResolved', http_status=200,
                           request_id='req-1', operation='KeystoneListProjects', service='iam')]
    assert errors[0]['msg'].startswith('ProjectNotResolved: no project')


@pytest.mark.parametrize('concurrency', [1, 2, 3])
def test_read_regions_never_runs_more_threads_than_concurrency(concurrency):
    lock, state = threading.Lock(), dict(now=0, peak=0, threads=set())

    def read(region):
        with lock:
            state['now'] += 1
            state['peak'] = max(state['peak'], state['now'])
            state['threads'].add(threading.current_thread().name)
        time.sleep(0.1)
        with lock:
            state['now'] -= 1
        return [region]

    regions = ['r%d-x' % n for n in range(7)]
    found, errors = discovery.read_regions(regions, read, concurrency)
    assert found == regions and errors == []
    assert state['peak'] == concurrency  # reached, never exceeded
    assert len(state['threads']) <= concurrency


def test_read_regions_lets_a_bug_through():
    def read(region):
        raise KeyError('bug')
    with pytest.raises(KeyError):
        discovery.read_regions(['cn-north-4'], read)


def test_combined_error_names_every_region_and_keeps_the_first_code():
    errors = [dict(region='a-1', msg='X: m1', error_code='X', http_status=403, request_id='r1', operation='Op', service='polardb'),
              dict(region='b-2', msg='Y: m2', error_code='Y', http_status=None, request_id=None, operation='Op', service='polardb')]
    err = discovery.combined_error(errors, 5)
    assert (err.code, err.http_status, err.request_id, err.service) == ('X', 403, 'r1', 'polardb')
    assert '2 of 5 regions could not be read' in err.message and 'a-1: X: m1' in err.message and 'b-2: Y: m2' in err.message


def _offset_service(items, limit_cap=None, total=None):
    calls = []

    def fetch(offset, limit):
        calls.append((offset, limit))
        size = min(limit, limit_cap or limit)
        return dict(instances=items[offset:offset + size], total_record=len(items) if total is None else total)
    return fetch, calls


def test_offset_pages_reads_every_page_by_record_offset():
    fetch, calls = _offset_service(list(range(300)))
    assert discovery.offset_pages(fetch, 128, 'instances', 'total_record', 'ddm', 'ListInstances') == list(range(300))
    assert calls == [(0, 128), (128, 128), (256, 128)]


def test_offset_pages_exact_multiple_and_empty():
    fetch, calls = _offset_service(list(range(256)))
    assert len(discovery.offset_pages(fetch, 128, 'instances', 'total_record', 'ddm', 'ListInstances')) == 256
    assert calls == [(0, 128), (128, 128)]  # the total ends it: no third, empty page
    fetch, calls = _offset_service([])
    assert discovery.offset_pages(fetch, 128, 'instances', 'total_record', 'ddm', 'ListInstances') == [] and len(calls) == 1


def test_offset_pages_refuses_a_partial_listing():
    fetch, _calls = _offset_service(list(range(300)), limit_cap=100)  # the service silently pages by 100
    with pytest.raises(ApiError) as info:
        discovery.offset_pages(fetch, 128, 'instances', 'total_record', 'ddm', 'ListInstances')
    assert info.value.code == 'IncompleteListing' and '100 items where the service announced 300' in info.value.message


def test_offset_pages_without_a_total_stops_at_a_short_page():
    calls = []

    def fetch(offset, limit):
        calls.append(offset)
        return dict(instances=list(range(offset, min(offset + limit, 250))))
    assert len(discovery.offset_pages(fetch, 100, 'instances', 'total', 'dcs', 'ListInstances')) == 250 and calls == [0, 100, 200]


def test_a_response_without_its_list_is_an_error():
    with pytest.raises(ApiError) as info:
        discovery.offset_pages(lambda o, l: dict(total_record=3), 128, 'instances', 'total_record', 'ddm', 'ListInstances')
    assert info.value.code == 'InvalidResponse'
    with pytest.raises(ApiError):
        discovery.number_pages(lambda n, s: dict(TotalCount=3), 50, lambda d: d.get('Instances'), 'TotalCount', 'bastionhost', 'X')


def test_number_pages_by_total_and_refusal_of_short_pages():
    items = list(range(230))
    calls = []

    def fetch(number, size):
        calls.append(number)
        return dict(Items=dict(DBCluster=items[(number - 1) * size:number * size]), TotalRecordCount=str(len(items)))
    assert discovery.number_pages(fetch, 100, lambda d: d['Items']['DBCluster'], 'TotalRecordCount', 'polardb', 'X') == items
    assert calls == [1, 2, 3]

    def capped(number, size):
        return dict(Instances=items[(number - 1) * 20:number * 20], TotalCount=230)
    with pytest.raises(ApiError) as info:
        discovery.number_pages(capped, 50, lambda d: d['Instances'], 'TotalCount', 'bastionhost', 'DescribeInstances')
    assert info.value.code == 'IncompleteListing'


@pytest.mark.parametrize('name, pattern, expected', [
    ('ddm-prod-1', None, True), ('ddm-prod-1', 'ddm-prod-*', True), ('ddm-PROD-1', 'ddm-prod-*', False),
    ('x-ddm-prod', 'ddm-*', False), ('redis-a', 'redis-?', True), (None, '*', True), (None, 'a*', False),
])
def test_name_matches_whole_names_case_sensitively(name, pattern, expected):
    assert discovery.name_matches(name, pattern) is expected


def _params(**kwargs):
    params = dict(region='cn-north-4', regions=None, name_pattern=None, fail_on_region_error=False, concurrency=4, tags=None)
    params.update(kwargs)
    return params


def test_regions_default_to_the_connection_region_and_drop_duplicates():
    assert discovery.regions_of(_params()) == ['cn-north-4']
    assert discovery.regions_of(_params(regions=['b-1', 'a-1', 'b-1'])) == ['b-1', 'a-1']


@pytest.mark.parametrize('params, option', [
    (dict(regions=['cn-north-4', 'CN_NORTH']), 'regions:'),
    (dict(region='bad region'), 'region:'),
    (dict(regions=['r%d-a' % n for n in range(65)]), 'regions:'),
    (dict(concurrency=17), 'concurrency:'),
    (dict(concurrency=0), 'concurrency:'),
    (dict(name_pattern=''), 'name_pattern:'),
    (dict(tags={'': 'x'}), 'tags:'),
    (dict(tags=dict(('k%d' % n, 'v') for n in range(21))), 'tags:'),
])
def test_check_options_names_the_option(params, option):
    with pytest.raises(ValidationError) as info:
        discovery.check_options(_params(**params))
    assert str(info.value).startswith(option)


def test_tag_separators_are_refused_only_where_the_api_uses_them():
    discovery.check_options(_params(tags={'team': 'a,b'}))
    with pytest.raises(ValidationError):
        discovery.check_options(_params(tags={'team': 'a,b'}), tag_separators=',=')
    with pytest.raises(ValidationError):
        discovery.check_options(_params(tags={'a=b': 'x'}), tag_separators=',=')
