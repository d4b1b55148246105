// `xsr/simulationPartners`: the functions worth simulating with one function
// (the core's simulationPartners), for the client's partner picker.
import { ResponseError } from 'vscode-languageserver';

import type { SimulationPartner, SimulationPartnersParams } from '../contracts/lspRequests';
import { simulationPartners } from '../core/index';
import type { DocumentManager } from './documents';

export async function partners(
  documents: DocumentManager,
  params: SimulationPartnersParams,
): Promise<{ partners: SimulationPartner[] } | ResponseError<void>> {
  if (!params || typeof params.textDocument?.uri !== 'string' || typeof params.function !== 'string')
    return new ResponseError(-32602, 'xsr/simulationPartners: expected { textDocument: { uri }, function: string }');
  const st = await documents.analysisFor(params.textDocument.uri);
  if (!st?.file) return new ResponseError(-32602, `xsr/simulationPartners: ${params.textDocument.uri} is not open or not analysed`);
  if (!st.file.functions.some((f) => f.syntax.name === params.function))
    return new ResponseError(-32602, `xsr/simulationPartners: no function named ${params.function} in ${params.textDocument.uri}`);
  return { partners: simulationPartners(st.file, params.function) };
}
