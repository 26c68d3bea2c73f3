// A stand-in WebJar file for ViewEndpointTest.
export const answer = 42;
