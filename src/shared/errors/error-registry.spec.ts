import { DomainError } from './domain-error';
import { ErrorCode, GENERIC_ERRORS } from './error-codes';
import { ErrorRegistry } from './error-registry';
import { problemMapper } from './problem.mapper';

const context = { instance: '/api/things', requestId: 'req-1' };
const WIDGETS = { WIDGET_JAMMED: { status: 409, title: 'The widget is jammed' } };
const GADGETS = { GADGET_GONE: { status: 410, title: 'The gadget is gone' } };

describe(ErrorRegistry.name, () => {
  it("lists the kernel's codes first, then each module's in the order given", () => {
    const registry = ErrorRegistry.compose(WIDGETS, GADGETS);

    expect(registry.codes).toEqual([...Object.keys(GENERIC_ERRORS), 'WIDGET_JAMMED', 'GADGET_GONE']);
    expect(registry.definitionOf('GADGET_GONE')).toEqual({ status: 410, title: 'The gadget is gone' });
    expect(registry.definitionOf(ErrorCode.NOT_FOUND)).toEqual(GENERIC_ERRORS.NOT_FOUND);
  });

  it.each([
    ['two modules', [WIDGETS, { WIDGET_JAMMED: { status: 400, title: 'Jammed' } }], 'WIDGET_JAMMED'],
    ['a module and the kernel', [{ NOT_FOUND: { status: 404, title: 'Gone' } }], 'NOT_FOUND'],
  ])('refuses a code that %s both declare', (_case, sets, code) => {
    expect(() => ErrorRegistry.compose(...sets)).toThrow(`The error code ${code} is declared twice`);
  });

  it('leaves a domain error whose code no module declares to the mapper as INTERNAL, logged', () => {
    const mapErrorToProblem = problemMapper(ErrorRegistry.compose(WIDGETS));

    const { problem, unexpected } = mapErrorToProblem(new DomainError('GADGET_GONE', 'gone'), context);

    expect(unexpected).toBe(true);
    expect(problem).toMatchObject({ status: 500, code: 'INTERNAL' });
  });
});
