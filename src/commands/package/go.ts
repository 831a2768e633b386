import { packageCommand } from "./_shared.js";

export default packageCommand("go");
