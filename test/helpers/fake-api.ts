/**
 * A test double of one of our narrow AWS APIs (`SqsApi`, `Ec2Api`, …): the methods the test
 * gives, and for every other method one that fails the test by name. So adding a method to an
 * API changes no existing fake, and a command that calls what the test did not expect fails
 * loudly instead of hanging on `undefined`.
 */
export function fakeApi<T extends object>(name: string, methods: Partial<T>): T {
  return new Proxy(methods as T, {
    get(target, key, receiver) {
      // `then` stays undefined: services hand APIs out through promises, which probe it.
      if (typeof key === "symbol" || key === "then" || key in target) return Reflect.get(target, key, receiver);
      return () => {
        throw new Error(`${name}.${key} was called, but this test's fake does not provide it`);
      };
    },
  });
}
