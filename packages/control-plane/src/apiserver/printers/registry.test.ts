import t from 'tap';
import { kindKey } from '../api/types.js';
import { DECLARATIONS } from '../registry/resources.js';
import { printerFor } from './registry.js';
import { defaultPrinter } from './simple.js';

/** The kind key of every served resource that can be listed (access reviews are create-only). */
const SERVED = DECLARATIONS.filter((d) => d.virtual !== true).map((d) => kindKey(d.group, d.kind));

t.test('every served kind has its own printer; other keys get the default one', async (t) => {
  for (const key of SERVED) t.not(printerFor(key), defaultPrinter, `${key} has a printer of its own`);
  t.equal(printerFor('Role.rbac.authorization.k8s.io'), printerFor('ClusterRole.rbac.authorization.k8s.io'));
  t.equal(
    printerFor('RoleBinding.rbac.authorization.k8s.io'),
    printerFor('ClusterRoleBinding.rbac.authorization.k8s.io'),
  );
  t.equal(printerFor('Deployment'), defaultPrinter, 'a kind key is matched with its group');
  t.equal(printerFor('Widget.example.com'), defaultPrinter);
});

t.test('every printer emits one cell per column and starts with a name column', async (t) => {
  const now = Date.parse('2024-05-01T12:00:00Z');
  const keys = [...SERVED, 'Other'];
  for (const key of keys) {
    const printer = printerFor(key);
    t.equal(printer.cells({ metadata: { name: 'n' } }, now).length, printer.columns.length, key);
    t.equal(printer.columns.filter((c) => c.format === 'name').length, 1, `${key} has one name column`);
    if (key !== 'Event') {
      t.same(printer.columns[0], {
        name: 'Name',
        type: 'string',
        format: 'name',
        description: printer.columns[0]?.description,
        priority: 0,
      });
    }
    for (const c of printer.columns) t.ok(c.description.length > 0, `${key} ${c.name} is described`);
  }
});
