// Completion inside quoted arguments: host names, @groups, services; none outside a string.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { completeInString } from '../../admin/repl/complete.js';
import { bindingName } from '../../admin/repl/index.js';

const vocab = {
  hosts: ['cloud1', 'cloud2', 'cloud10', 'storm-web1'],
  groups: ['web', 'db'],
  services: ['hub', 'cassandra'],
};

test('inside a string: hosts in numeric order, groups with @, services', () => {
  assert.deepEqual(completeInString("storm.exec('clo", vocab), [
    ['cloud1', 'cloud2', 'cloud10'],
    'clo',
  ]);
  assert.deepEqual(completeInString('storm.exec("@', vocab), [['@db', '@web'], '@']);
  assert.deepEqual(completeInString("storm.restart('h", vocab), [['hub'], 'h']);
});

test('the word restarts after a node-set separator', () => {
  assert.deepEqual(completeInString("x.exec('cloud[1-3],sto", vocab), [['storm-web1'], 'sto']);
  assert.deepEqual(completeInString("x.exec('@web!cloud1", vocab), [
    ['cloud1', 'cloud10'],
    'cloud1',
  ]);
});

test('outside a string, or after it closed: left to the JavaScript completer', () => {
  assert.equal(completeInString('storm.res', vocab), undefined);
  assert.equal(completeInString("storm.exec('cloud1', ", vocab), undefined);
  assert.equal(completeInString("x('it\\'s', ", vocab), undefined);
});

test('deployment names become JavaScript names', () => {
  assert.equal(bindingName('storm'), 'storm');
  assert.equal(bindingName('my-cloud'), 'my_cloud');
  assert.equal(bindingName('2024'), '_2024');
});
